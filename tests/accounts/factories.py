import factory
from django.contrib.auth.models import Group

from tierslieux.accounts.models import Organisation, OrganisationKind, User
from tierslieux.core.roles import Role


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ASSOCIATION


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=[Role.NETWORK])`` or a trait (``UserFactory(network=True)``)."""
        wanted = list(extracted or []) + list(kwargs.get("given") or [])
        if create:
            for role in wanted:
                self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])

    class Params:
        holder = factory.Trait(roles__given=[Role.HOLDER])
        instructor = factory.Trait(roles__given=[Role.INSTRUCTOR])
        network = factory.Trait(roles__given=[Role.NETWORK])
        authority = factory.Trait(roles__given=[Role.AUTHORITY])
        reader = factory.Trait(roles__given=[Role.READER])
        national_reader = factory.Trait(roles__given=[Role.NATIONAL_READER])
        superuser = factory.Trait(is_superuser=True, is_staff=True)
