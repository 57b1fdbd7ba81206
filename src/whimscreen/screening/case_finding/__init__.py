"""Case finding from laboratory results: blood counts and immunoglobulins (CSV or FHIR R4 Observation
NDJSON) and optional ICD-10 diagnoses to a ranked list of patients whose pattern resembles WHIM syndrome,
each with its reasons in words (docs/case-finding.md)."""
