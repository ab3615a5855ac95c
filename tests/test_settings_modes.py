"""The settings load in development and in production mode, and production passes `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_development_mode_loads_with_nothing_set():
    result = run_manage("check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_mode_passes_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "k7Qz" * 12,
        ALLOWED_HOSTS="relais-dsi.groupe-aurelia.fr",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="relais-dsi.groupe-aurelia.fr")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_ambiguous_boolean_is_refused(monkeypatch):
    from portal.settings import envbool

    monkeypatch.setenv("FEATURE_X", "maybe")
    with pytest.raises(ImproperlyConfigured):
        envbool("FEATURE_X", False)
    monkeypatch.setenv("FEATURE_X", "off")
    assert envbool("FEATURE_X", True) is False


def test_interface_is_french_first_in_europe_paris(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert [code for code, _ in settings.LANGUAGES] == ["fr", "en"]
    assert settings.TIME_ZONE == "Europe/Paris"
