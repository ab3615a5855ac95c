"""Background work of the catalogue: building printed documents (the full catalogue takes seconds)."""

from django_tasks import task

from catalogue.printing import documents


@task()
def build_printed_document(document_id: int) -> int:
    return documents.build(document_id).page_count
