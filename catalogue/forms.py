"""Admin forms of the catalogue pages."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from catalogue.pictograms import available_pictograms, sanitise_svg


class FamilyPageForm(WagtailAdminPageForm):
    """Choose a shipped pictogram, or upload an SVG of one's own (sanitised before it is stored)."""

    pictogram_file = forms.FileField(
        label=_("Upload a pictogram"),
        required=False,
        help_text=_("An SVG file drawn with currentColor, so that it takes the family's colour."),
        widget=forms.ClearableFileInput(attrs={"accept": ".svg,image/svg+xml"}),
    )
    remove_uploaded_pictogram = forms.BooleanField(label=_("Remove the uploaded pictogram"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pictogram"].widget = forms.Select(choices=[("", _("(none)")), *available_pictograms()])
        self.fields["colour"].widget = forms.TextInput(attrs={"type": "color"})

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("pictogram_file")
        if upload:
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.add_error("pictogram_file", _("The pictogram is not a valid SVG file."))
                return cleaned
            try:
                self.instance.pictogram_svg = sanitise_svg(text)
            except forms.ValidationError as error:
                self.add_error("pictogram_file", error)
        elif cleaned.get("remove_uploaded_pictogram"):
            self.instance.pictogram_svg = ""
        return cleaned
