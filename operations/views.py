from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from operations import throttling, unlock


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
