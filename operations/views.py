from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from operations import authenticator, throttling, unlock


class UnlockRequestForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)


@login_not_required
@require_http_methods(["GET", "POST"])
def unlock_request(request):
    form = UnlockRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unlock.send_unlock_link(form.cleaned_data["username"])
        messages.info(
            request,
            _(
                "If this account exists and has an e-mail address, a link has been sent to it. Open it in "
                "this browser to log in here."
            ),
        )
        return redirect("login")
    return render(request, "operations/unlock_request.html", {"form": form})


@login_not_required
@require_http_methods(["GET"])
def unlock_link(request, token: str):
    user = unlock.user_of_link(token)
    if user is None:
        messages.error(request, _("This unlock link is invalid or has expired. Ask for a new one."))
        return redirect("unlock_request")
    throttling.trust_this_browser(request, user)
    messages.success(
        request,
        _("This browser is now recognised for the account %(username)s: log in with your password.")
        % {"username": user.get_username()},
    )
    return redirect("login")


class AuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code shown by the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@require_http_methods(["GET", "POST"])
def authenticator_setup(request):
    """The profile's authenticator page: set the app up, or remove it."""
    device = authenticator.confirmed_device(request.user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if device is not None and request.POST.get("action") == "remove":
            if authenticator.remove(request.user, code):
                messages.success(request, _("Your authenticator app is no longer linked to your account."))
                return redirect("authenticator_setup")
        elif device is None and authenticator.confirm(authenticator.pending_device(request.user), code):
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("authenticator_setup")
        form.add_error("code", _("This code is not the one the app shows now. Check the app and try again."))
    context = {"device": device, "form": form}
    if device is None:
        pending = authenticator.pending_device(request.user)
        context |= {"secret": authenticator.secret_of(pending), "uri": authenticator.setup_uri(pending)}
    return render(request, "operations/authenticator.html", context)
