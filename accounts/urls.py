from django.contrib.auth import views as auth_views
from django.urls import path

from . import profile, two_factor, views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("me/", views.me, name="me"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/", views.reset_by_email_only(views.PasswordResetView.as_view()), name="password_reset"
    ),
    path(
        "password/reset/sent/",
        views.reset_by_email_only(views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.reset_by_email_only(views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.reset_by_email_only(views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("profile/", profile.profile, name="profile"),
    path("2fa/setup/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("2fa/backup-codes/", two_factor.two_factor_backup_codes, name="two_factor_backup_codes"),
]
