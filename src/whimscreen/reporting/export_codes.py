"""The codes the FHIR and Phenopacket exports use, each checked against a published source (docs/report.md
"Exports" lists where).  A value the tables do not hold is exported as text only, never given a guessed code.
"""

from __future__ import annotations

LOINC = "http://loinc.org"
HGVS = "http://varnomen.hgvs.org"
HGNC_SYSTEM = "http://www.genenames.org/geneId"
NUCCORE = "http://www.ncbi.nlm.nih.gov/nuccore"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
GR_TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
GR_PROFILE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
GR_VERSION = "2.0.0"  # Genomics Reporting IG STU2, the release with the overall-interpretation profile

CXCR4_HGNC = ("HGNC:2561", "CXCR4")
WHIM_OMIM = ("OMIM:193670", "WHIM syndrome 1")

# LOINC observation codes (Genomics Reporting IG profiles STU2)
REPORT = ("51969-4", "Genetic analysis report")
OVERALL = ("51968-6", "Discrete variation analysis overall interpretation")
VARIANT = ("69548-6", "Genetic variant assessment")
PRESENT = ("LA9633-4", "Present")
SEQUENCING = ("LA26398-0", "Sequencing")
GENE_STUDIED = ("48018-6", "Gene studied [ID]")
C_HGVS = ("48004-6", "DNA change (c.HGVS)")
P_HGVS = ("48005-3", "Amino acid change (pHGVS)")
G_HGVS = ("81290-9", "Genomic DNA change (gHGVS)")
GENOMIC_REF = ("48013-7", "Genomic reference sequence [ID]")
TRANSCRIPT_REF = ("51958-7", "Transcript reference sequence [ID]")
ALLELIC_STATE = ("53034-5", "Allelic state")
VAF = ("81258-6", "Sample variant allelic frequency [NFr]")
SOURCE_CLASS = ("48002-0", "Genomic source class [Type]")
GERMLINE = ("LA6683-2", "Germline")
VARIATION_CODE = ("81252-9", "Discrete genetic variant")
CLIN_SIG = ("53037-8", "Genetic variation clinical significance [Imp]")
PREDICTED_PHENOTYPE = ("81259-4", "Associated phenotype")

#: result category -> LOINC answer (list LL541-4: Positive | Negative | Inconclusive | Failure).  An
#: Uncertain result (a variant of uncertain significance) is not a positive or negative finding: it is
#: sent as Inconclusive with the category kept in the text.
OVERALL_ANSWER = {
    "Positive": ("LA6576-8", "Positive"),
    "Negative": ("LA6577-6", "Negative"),
    "Uncertain": ("LA9663-1", "Inconclusive"),
    "Inconclusive": ("LA9663-1", "Inconclusive"),
    "Detected": ("LA6576-8", "Positive"),  # a relative's familial variant test
    "Not detected": ("LA6577-6", "Negative"),
}

#: zygosity -> LOINC allelic state (LL381-5); mosaic has no answer there (text only)
ALLELIC_ANSWER = {
    "heterozygous": ("LA6706-1", "Heterozygous"),
    "homozygous": ("LA6705-3", "Homozygous"),
    "hemizygous": ("LA6707-9", "Hemizygous"),
}

#: inheritance -> the IG STU2 variant-inheritance value set; de novo has no code there (text only)
INHERITANCE_ANSWER = {
    "maternal": ("LA26320-4", "Maternal"),
    "paternal": ("LA26321-2", "Paternal"),
    "not_determined": ("LA4489-6", "Unknown"),
}

#: ACMG class -> LOINC clinical significance (LL4034-6) and the Phenopacket ACMG enum
CLASSES = {
    "Pathogenic": ("LA6668-3", "PATHOGENIC"),
    "Likely pathogenic": ("LA26332-9", "LIKELY_PATHOGENIC"),
    "Uncertain significance": ("LA26333-7", "UNCERTAIN_SIGNIFICANCE"),
    "Likely benign": ("LA26334-5", "LIKELY_BENIGN"),
    "Benign": ("LA6675-8", "BENIGN"),
}

#: zygosity -> Genotype Ontology term for the Phenopacket's allelic state
GENO = {
    "heterozygous": ("GENO:0000135", "heterozygous"),
    "homozygous": ("GENO:0000136", "homozygous"),
    "hemizygous": ("GENO:0000134", "hemizygous"),
}

#: report status -> FHIR DiagnosticReport/Observation status
FHIR_STATUS = {"DRAFT": "preliminary", "FINAL": "final", "AMENDED": "amended", "CORRECTED": "corrected"}
