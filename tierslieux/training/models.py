"""The regional network's shared training catalogue: courses, sessions hosted in places of the
directory, and registrations (issue 16, ADR 0027).

Only a SHA-256 of a registration's cancellation token is stored, as the survey does for its
invitation links: the raw token exists only in the confirmation e-mail.
"""

import hashlib

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tierslieux.core.models import BaseModel, TransitionLog
from tierslieux.places.models import Place
from tierslieux.training.workflow import RegistrationState


def token_hash(raw_token: str) -> str:
    """The SHA-256 (hex) of a cancellation link's token: what the database keeps."""
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


rncp_code_validator = RegexValidator(
    r"^RNCP[0-9]{4,6}$",
    _("An RNCP code is “RNCP” followed by 4 to 6 digits (e.g. RNCP37421)."),
    code="rncp_code",
)


class Course(BaseModel):
    """A course of the shared catalogue."""

    title = models.CharField(_("title"), max_length=200)
    objectives = models.TextField(_("objectives"), max_length=4000)
    audience = models.TextField(_("audience"), max_length=2000)
    duration_hours = models.PositiveSmallIntegerField(
        _("duration (hours)"), validators=[MinValueValidator(1)]
    )
    price_cents = models.PositiveIntegerField(_("price (cents)"), default=0)
    funding = models.TextField(_("funding possibilities"), max_length=2000, blank=True)
    certification = models.CharField(_("certification"), max_length=200, blank=True)
    rncp_code = models.CharField(
        _("RNCP code"), max_length=10, blank=True, validators=[rncp_code_validator]
    )
    trainer = models.CharField(_("trainer"), max_length=200)
    is_published = models.BooleanField(_("published in the catalogue"), default=True)
    is_demo = models.BooleanField(
        _("demo record"),
        default=False,
        help_text=_("Made up to try the product (demo data); shown as such on every page."),
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_hours__gte=1), name="training_course_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course_detail", args=[self.pk])


class SessionFormat(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    MIXED = "mixed", _("Mixed")


class Session(BaseModel):
    """A session of a course, hosted in a tiers-lieu of the directory under the network's
    status (the place need not be a training organisation)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("host place"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    format = models.CharField(
        _("format"), max_length=10, choices=SessionFormat.choices, default=SessionFormat.ON_SITE
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="training_session_seats"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="training_session_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.course} — {self.starts_at:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])


class Registration(BaseModel):
    """One person's registration to a session; personal data kept minimal."""

    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    place_of_work = models.ForeignKey(
        Place,
        verbose_name=_("place of work"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    funding = models.CharField(_("funding"), max_length=200, blank=True)
    state = models.CharField(
        _("status"),
        max_length=12,
        choices=RegistrationState.choices,
        default=RegistrationState.REGISTERED,
    )
    token_hash = models.CharField(_("cancellation token (SHA-256)"), max_length=64, unique=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personal data anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(state=RegistrationState.CANCELLED),
                name="training_registration_one_per_email",
            ),
            models.CheckConstraint(
                condition=Exact(Length("token_hash"), 64),
                name="training_registration_token_is_sha256",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.session}"


class RegistrationLog(TransitionLog):
    """One state change of a registration (``core.workflow``)."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="logs",
    )

    class Meta:
        verbose_name = _("registration log")
        verbose_name_plural = _("registration logs")
        ordering = ["at", "pk"]


# --- facilitator training cohorts (issue 16, part 3) ------------------------------------------


class CourseModule(BaseModel):
    """A module of a certifying course (the facilitator training has several)."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "title"], name="training_module_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Cohort(BaseModel):
    """A cohort (promotion) of trainees following a certifying course together."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts"
    )
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_cohort_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:cohort_detail", args=[self.pk])


class Trainee(BaseModel):
    """A trainee of a cohort: the place of the directory they work in, the modules completed,
    and the certification obtained (the course's, with its RNCP code)."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="trainees"
    )
    name = models.CharField(_("name"), max_length=150)
    place = models.ForeignKey(
        Place,
        verbose_name=_("tiers-lieu of work"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    modules_completed = models.ManyToManyField(
        CourseModule, verbose_name=_("modules completed"), blank=True, related_name="+"
    )
    certified_on = models.DateField(_("certified on"), null=True, blank=True)

    class Meta:
        verbose_name = _("trainee")
        verbose_name_plural = _("trainees")
        ordering = ["cohort", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="training_trainee_unique"),
        ]
        indexes = [models.Index(fields=["certified_on"])]

    def __str__(self) -> str:
        return self.name
