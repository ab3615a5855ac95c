from wagtail import hooks
from wagtail.permissions import register_permission_policy

from accounts.models import DirectorySyncRun
from accounts.viewsets import CompanySignInViewSetGroup, WrittenBySyncOnly

register_permission_policy(DirectorySyncRun, WrittenBySyncOnly(DirectorySyncRun))


@hooks.register("register_admin_viewset")
def register_company_sign_in():
    return CompanySignInViewSetGroup()
