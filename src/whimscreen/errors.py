"""One root error for the whole package, a subclass per layer, and a parallel warning hierarchy.

The CLI prints ``str(error)`` on one line and exits with status 2; the web layer maps the classes to
HTTP status codes in one handler.  Messages name the input (file, expression, record) and the problem.
"""


class WhimscreenError(Exception):
    """Root of every error WHIMscreen raises on purpose."""


class ReferenceDataError(WhimscreenError):
    """The locus reference is missing, unverifiable or disagrees with the verified facts."""


class VariantError(WhimscreenError):
    """A variant expression or record cannot be understood or placed on the locus."""


class VariantSyntaxError(VariantError):
    """The text is not a valid HGVS or VCF-style expression."""


class OutOfLocusError(VariantError):
    """The variant lies outside the CXCR4 locus this test covers."""


class ReferenceMismatchError(VariantError):
    """The reference allele stated in the input disagrees with the reference sequence."""


class UnsupportedTranscriptError(VariantError):
    """The expression names a transcript or sequence that is not CXCR4."""


class InputFileError(WhimscreenError):
    """A sequencing or variant file is missing, empty, truncated or of the wrong kind."""


class AnalysisError(WhimscreenError):
    """The analysis cannot produce a trustworthy result from the input."""


class InterpretationError(WhimscreenError):
    """The knowledge base or the classification rules cannot be applied."""


class ReportError(WhimscreenError):
    """A report cannot be built or exported from what it was given (the message says what is missing)."""


class ConfigError(WhimscreenError):
    """The configuration (settings, environment) is inconsistent."""


class ProgramError(WhimscreenError):
    """A workflow rule of the screening program was broken (capacity, roles, state)."""


class WhimscreenWarning(UserWarning):
    """Root of recoverable input defects (reported, never silently dropped)."""


class LabDataError(WhimscreenError):
    """A laboratory-results or diagnoses file cannot be read (the message names the file and line)."""


class ExportError(WhimscreenError):
    """A report document cannot be exported (FHIR, Phenopacket): a required key is missing or malformed."""
