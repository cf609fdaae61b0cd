"""Pure computational core of the territorial analyses.

numpy / scipy / shapely only: no Django import (checked by import-linter). Arrays in, arrays or
frozen dataclasses out; units in names.
"""
