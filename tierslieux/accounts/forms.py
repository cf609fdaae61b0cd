"""Forms of the accounts pages. Rules live in ``services``; these check the shape of input."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tierslieux.accounts import services
from tierslieux.accounts.models import Organisation, User
from tierslieux.core.permissions import Actor
from tierslieux.core.regions import region_name

# The address is also the user name, whose column holds 150 characters.
EMAIL_MAX_LENGTH = 150
NAME_MAX_LENGTH = 150


def _password_field(label: Any, *, new: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password" if new else "current-password"}
        ),
    )


class SignupForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("You will log in with it. We send a link to it to confirm your account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = _password_field(_("Password"))
    password2 = _password_field(_("Password again"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One sentence after the other (a list would be laid out in columns by the site's CSS).
        self.fields["password1"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first and data.get("email"):
            candidate = User(
                username=data["email"],
                email=data["email"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class PasswordResetRequestForm(forms.Form):
    """The "forgot password" form, used by Django's ``PasswordResetView``: it sends through
    ``services.password_reset_request`` (links from ``SITE_URL``, never from the request)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def save(self, **_ignored: Any) -> None:
        services.password_reset_request(email=self.cleaned_data["email"])


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=EMAIL_MAX_LENGTH)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("Required for the regional network and for a local authority."),
    )
    region_code = forms.ChoiceField(
        label=_("Region"),
        required=False,
        help_text=_("The region whose files the role reaches (a national reader reads all)."),
    )

    def __init__(self, *args: Any, by: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in services.invitable_roles(by)]
        regions = services.invitable_regions(by)
        if len(settings.TERRITORY_REGIONS) == 1:  # one region: nothing to choose
            del self.fields["region_code"]
            return
        self.fields["region_code"].choices = [(code, region_name(code)) for code in regions]
        own = getattr(by, "region_code", "")
        self.fields["region_code"].initial = own if own in regions else ""


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = _password_field(_("Your current password"), new=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."), code="password")
        return password
