from django.db import models

from tierslieux.core.models import TransitionLog


class TicketState(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Ticket(models.Model):
    state = models.CharField(max_length=10, choices=TicketState.choices, default=TicketState.NEW)
    title = models.CharField(max_length=50, blank=True)
    stamp = models.CharField(max_length=50, blank=True)

    def __str__(self) -> str:
        return self.title


class TicketLog(TransitionLog):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="logs")

    class Meta:
        ordering = ["at", "pk"]
