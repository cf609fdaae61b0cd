"""Account pages under /comptes/. The segments carrying a one-time token are named so that the
log filter (``tierslieux.core.logging``) redacts them: confirmer*, reinitialiser*, invitation*."""

from django.contrib.auth import views as auth_views
from django.urls import path

from tierslieux.accounts import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mon-compte/", views.account_detail, name="account_detail"),
    path("mon-compte/email/", views.email_change, name="email_change"),
    path("mon-compte/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("confirmer/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("confirmer-email/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("inviter/", views.invitation_list, name="invitation_list"),
    path("inviter/<int:pk>/renvoyer/", views.invitation_resend, name="invitation_resend"),
    path("inviter/<int:pk>/annuler/", views.invitation_cancel, name="invitation_cancel"),
    path(
        "invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
]
