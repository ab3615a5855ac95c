from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Sends what Entra ID or Keycloak send: names, e-mail, login and the user's groups."""

    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "preferred_username": user.username,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
