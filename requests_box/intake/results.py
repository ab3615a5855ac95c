"""What intake tells about each mail it took in, and the summary line of a run."""

from collections import Counter
from dataclasses import dataclass, field

OUTCOMES = ("created", "reply", "duplicate", "ignored", "quarantined")


@dataclass(frozen=True)
class IntakeResult:
    outcome: str  # one of OUTCOMES
    detail: str  # the request's reference, or the reason
    request_id: int | None = None

    def line(self, source: str) -> str:
        return f"{source}: {self.outcome} {self.detail}".rstrip()


@dataclass
class Summary:
    counter: Counter = field(default_factory=Counter)

    def add(self, result: IntakeResult) -> None:
        self.counter[result.outcome] += 1

    def counts(self) -> dict[str, int]:
        return {name: self.counter[name] for name in OUTCOMES}

    def line(self) -> str:
        c = self.counter
        total = sum(c[name] for name in OUTCOMES)
        return (
            f"summary: {total} messages, {c['created']} created, {c['reply']} replies, "
            f"{c['duplicate']} duplicates, {c['ignored']} ignored, {c['quarantined']} quarantined"
        )
