"""Case-level evidence a lab supplies beside the variant (all optional; nothing is assumed)."""

from __future__ import annotations

from dataclasses import dataclass

from whimscreen.errors import InterpretationError

DE_NOVO = (None, "confirmed", "assumed")


@dataclass(frozen=True)
class Evidence:
    de_novo: str | None = None  # "confirmed" (parentage confirmed) or "assumed"
    phenotype: tuple[str, ...] = ()  # feature keys (data/cxcr4_spec.yaml) or HP: ids (recorded, not scored)
    segregation_meioses: int = 0  # informative meioses in affected relatives
    population_af: float | None = None  # highest population allele frequency; None = not looked up

    def __post_init__(self) -> None:
        if self.de_novo not in DE_NOVO:
            raise InterpretationError(f"de novo must be 'confirmed' or 'assumed', not {self.de_novo!r}")
        if self.segregation_meioses < 0:
            raise InterpretationError("segregation meioses cannot be negative")
        if self.population_af is not None and not 0 <= self.population_af <= 1:
            raise InterpretationError(
                f"population allele frequency must be in 0..1, not {self.population_af}"
            )
        object.__setattr__(self, "phenotype", tuple(p.strip().lower() for p in self.phenotype if p.strip()))
