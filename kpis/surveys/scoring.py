"""NPS and CSAT from answer counts, as DOMAIN.md defines them; over zero answers they are undefined."""

from dataclasses import dataclass

LOW_NPS = 6  # detractors: 0-6
LOW_CSAT = 2  # dissatisfied: 1-2


@dataclass(frozen=True)
class Scores:
    nps_answers: int
    promoters: int
    passives: int
    detractors: int
    csat_answers: int
    satisfied: int

    @property
    def nps(self) -> float | None:
        """%promoters - %detractors, from -100 to +100; None without any NPS answer."""
        if not self.nps_answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.nps_answers, 1)

    @property
    def csat_pct(self) -> float | None:
        """Share of answers at 4 or 5, in %; None without any CSAT answer."""
        if not self.csat_answers:
            return None
        return round(100 * self.satisfied / self.csat_answers, 1)

    def share(self, count: int) -> float | None:
        return round(100 * count / self.nps_answers, 1) if self.nps_answers else None


def scores_from_distributions(nps: dict[int, int], csat: dict[int, int]) -> Scores:
    """Scores from {score: count} distributions (NPS 0-10, CSAT 1-5)."""
    return Scores(
        nps_answers=sum(nps.values()),
        promoters=sum(n for score, n in nps.items() if score >= 9),
        passives=sum(n for score, n in nps.items() if 7 <= score <= 8),
        detractors=sum(n for score, n in nps.items() if score <= LOW_NPS),
        csat_answers=sum(csat.values()),
        satisfied=sum(n for score, n in csat.items() if score >= 4),
    )


def is_low(nps: int | None, csat: int | None) -> bool:
    """A score that asks for a comment and, after a request, a call back."""
    return (nps is not None and nps <= LOW_NPS) or (csat is not None and csat <= LOW_CSAT)


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
