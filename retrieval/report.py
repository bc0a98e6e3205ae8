"""What an ingest did, for people (`copydesk ingest`) and machines (`--json`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RowProblem(BaseModel):
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class IngestReport(BaseModel):
    kind: str  # "products" or "styles"
    files: list[str] = Field(default_factory=list)
    read: int = 0        # records that became a Product (or guide chunks read)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0     # style chunks no longer in the guide
    errors: list[RowProblem] = Field(default_factory=list)
    duplicates: list[RowProblem] = Field(default_factory=list)
    withheld: list[RowProblem] = Field(default_factory=list)  # fields kept out of the facts (Product.removed)
    cleaned: int = 0     # products with markup, labels or boilerplate taken out (Product.removed; `copydesk show`)
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0

    @property
    def complete(self) -> bool:
        """True when every row went in whole: no bad rows, no duplicates, nothing withheld."""
        return not (self.errors or self.duplicates or self.withheld)

    def summary(self) -> str:
        parts = [f"{self.read} read", f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.removed:
            parts.append(f"{self.removed} removed")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicate SKUs skipped")
        if self.errors:
            parts.append(f"{len(self.errors)} bad rows")
        if self.withheld:
            parts.append(f"{len(self.withheld)} fields withheld (instructions addressed to a model)")
        if self.cleaned:
            parts.append(f"{self.cleaned} cleaned (markup, labels or seller boilerplate taken out)")
        return f"{self.kind}: " + ", ".join(parts) + f" in {self.seconds:.1f} s"
