from wagtail import hooks

from accounts.viewsets import CompanySignInViewSetGroup


@hooks.register("register_admin_viewset")
def register_company_sign_in():
    return CompanySignInViewSetGroup()
