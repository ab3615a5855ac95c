"""A small OpenID provider for the tests: Django + django-oauth-toolkit, run as a separate process on
loopback by tests/accounts/conftest.py (`oidc_provider` fixture). Its own settings and database;
nothing of the portal is imported here."""
