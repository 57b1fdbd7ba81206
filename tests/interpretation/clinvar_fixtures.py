# ruff: noqa: E501 - ClinVar header lines and records are data, kept whole
"""Small ClinVar releases in ClinVar's real formats, written by the tests: the weekly ``clinvar.vcf.gz``
(its header lines, bgzipped and tabix-indexed with pysam) and the monthly ``variant_summary.txt.gz`` (its
full header).  Alleles are taken from the locus through the reference layer, so they agree with it."""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam

from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant

VCF_HEADER = """##fileformat=VCFv4.1
##fileDate={date}
##source=ClinVar
##reference=GRCh38
##ID=<Description="ClinVar Variation ID">
##INFO=<ID=AF_ESP,Number=1,Type=Float,Description="allele frequencies from GO-ESP">
##INFO=<ID=AF_EXAC,Number=1,Type=Float,Description="allele frequencies from ExAC">
##INFO=<ID=AF_TGP,Number=1,Type=Float,Description="allele frequencies from TGP">
##INFO=<ID=ALLELEID,Number=1,Type=Integer,Description="the ClinVar Allele ID">
##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar's preferred disease name for the concept specified by disease identifiers in CLNDISDB">
##INFO=<ID=CLNDISDB,Number=.,Type=String,Description="Tag-value pairs of disease database name and identifier, e.g. OMIM:NNNNNN">
##INFO=<ID=CLNHGVS,Number=.,Type=String,Description="Top-level (primary assembly, alt, or patch) HGVS expression.">
##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the Variation ID">
##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this single variant">
##INFO=<ID=CLNVC,Number=1,Type=String,Description="Variant type">
##INFO=<ID=CLNVCSO,Number=1,Type=String,Description="Sequence Ontology id for variant type">
##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant reported as gene symbol:gene id. The gene symbol and id are delimited by a colon (:) and each pair is delimited by a vertical bar (|)">
##INFO=<ID=MC,Number=.,Type=String,Description="comma separated list of molecular consequence in the form of Sequence Ontology ID|molecular_consequence">
##INFO=<ID=ORIGIN,Number=.,Type=String,Description="Allele origin. One or more of the following values may be added: 0 - unknown; 1 - germline; 2 - somatic; 4 - inherited; 8 - paternal; 16 - maternal; 32 - de-novo; 64 - biparental; 128 - uniparental; 256 - not-tested; 512 - tested-inconclusive; 1073741824 - other">
##INFO=<ID=RS,Number=.,Type=String,Description="dbSNP ID (i.e. rs number)">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO
"""
SUMMARY_HEADER = (
    "#AlleleID\tType\tName\tGeneID\tGeneSymbol\tHGNC_ID\tClinicalSignificance\tClinSigSimple\tLastEvaluated\t"
    "RS# (dbSNP)\tnsv/esv (dbVar)\tRCVaccession\tPhenotypeIDS\tPhenotypeList\tOrigin\tOriginSimple\tAssembly\t"
    "ChromosomeAccession\tChromosome\tStart\tStop\tReferenceAllele\tAlternateAllele\tCytogenetic\tReviewStatus\t"
    "NumberSubmitters\tGuidelines\tTestedInGTR\tOtherIDs\tSubmitterCategories\tVariationID\tPositionVCF\t"
    "ReferenceAlleleVCF\tAlternateAlleleVCF\tSomaticClinicalImpact\tSomaticClinicalImpactLastEvaluated\t"
    "ReviewStatusClinicalImpact\tOncogenicity\tOncogenicityLastEvaluated\tReviewStatusOncogenicity\t"
    "SCVsForAggregateGermlineClassification\tSCVsForAggregateSomaticClinicalImpact\t"
    "SCVsForAggregateOncogenicityClassification"
)

R334X = "c.1000C>T"  # WHIM001; the knowledge base records ClinVar 14020 as Pathogenic
S339FS = "c.1016_1017del"  # WHIM002; ClinVar 14021 Pathogenic, unchanged in these fixtures
NEW = "c.1010A>G"  # not in the knowledge base
UTR = "c.*20C>T"  # not in the knowledge base either; outside the coding sequence (no p.)


def site(locus, c: str) -> tuple[int, str, str]:
    g = annotate(locus, parse_variant(locus, f"NM_003467.3:{c}")).to_dict()["grch38"]
    return g["pos"], g["ref"], g["alt"]


def vcf_line(chrom, pos, vid, ref, alt, allele_id, clnsig, revstat, gene="CXCR4:7852") -> str:
    info = (
        f"ALLELEID={allele_id};CLNDISDB=MedGen:C0472779;CLNDN=WHIM_syndrome;CLNHGVS=NC_000002.12:g.{pos}{ref}>{alt};"
        f"CLNREVSTAT={revstat};CLNSIG={clnsig};CLNVC=single_nucleotide_variant;CLNVCSO=SO:0001483;"
        f"GENEINFO={gene};ORIGIN=1"
    )
    return f"{chrom}\t{pos}\t{vid}\t{ref}\t{alt}\t.\t.\t{info}"


def write_vcf(folder: Path, locus, *, r334x="Likely_pathogenic", index=True, date="2026-11-24") -> Path:
    """Non-CXCR4 records (chr1, and another gene inside the locus window), R334X with ``r334x`` as its
    class, S339fs unchanged, a new CXCR4 variant, and a CXCR4 record whose REF disagrees (a problem)."""
    rows = []
    rows.append(
        vcf_line(
            "1",
            925952,
            1019397,
            "G",
            "A",
            1003021,
            "Uncertain_significance",
            "criteria_provided,_single_submitter",
            "SAMD11:148398",
        )
    )
    start, _ = locus.bounds("GRCh38")
    p, r, a = site(locus, R334X)
    near = start + 5
    base = locus.base(near)
    rows.append(
        vcf_line(
            "2",
            near,
            900001,
            base,
            "A" if base != "A" else "C",
            900002,
            "Benign",
            "criteria_provided,_single_submitter",
            "LOC105373605:105373605",
        )
    )
    p2, r2, a2 = site(locus, S339FS)
    pn, rn, an = site(locus, NEW)
    bad_ref = "A" if rn != "A" else "C"
    found = [
        (
            p,
            vcf_line(
                "2", p, 14020, r, a, 29059, r334x, "criteria_provided,_multiple_submitters,_no_conflicts"
            ),
        ),
        (p2, vcf_line("2", p2, 14021, r2, a2, 29060, "Pathogenic", "no_assertion_criteria_provided")),
        (
            pn,
            vcf_line(
                "2",
                pn,
                3000001,
                rn,
                an,
                3000002,
                "Uncertain_significance",
                "criteria_provided,_single_submitter",
            ),
        ),
        (
            pn + 3,
            vcf_line(
                "2",
                pn + 3,
                3000003,
                bad_ref * 2,
                bad_ref,
                3000004,
                "Benign",
                "criteria_provided,_single_submitter",
            ),
        ),
    ]
    utr = p - 79  # c.*20 (the gene is on the minus strand): a 3'UTR variant has no p.
    u = locus.base(utr)
    found.append(
        (
            utr,
            vcf_line(
                "2",
                utr,
                3000005,
                u,
                "A" if u != "A" else "C",
                3000006,
                "Likely_benign",
                "criteria_provided,_single_submitter",
            ),
        )
    )
    rows += [line for _, line in sorted(found)]
    plain = folder / "clinvar.vcf"
    plain.write_text(VCF_HEADER.format(date=date) + "".join(x + "\n" for x in rows))
    gz = folder / "clinvar.vcf.gz"
    pysam.tabix_compress(str(plain), str(gz), force=True)
    if index:
        pysam.tabix_index(str(gz), preset="vcf", force=True)
    plain.unlink()
    return gz


def summary_row(allele_id, vtype, name, gene_id, symbol, clnsig, assembly, vid, pos, ref, alt, status) -> str:
    cells = [
        str(allele_id), vtype, name, str(gene_id), symbol, "HGNC:2561", clnsig, "1", "Nov 01, 2026",
        "-1", "-", "RCV000000001", "MedGen:C0472779", "WHIM syndrome", "germline", "germline", assembly,
        "NC_000002.12", "2", str(pos), str(pos), "na", "na", "2q22.1", status, "1", "-", "N", "-", "3",
        str(vid), str(pos), ref, alt, "-", "-", "-", "-", "-", "-", "SCV000000001", "-", "-",
    ]  # fmt: skip
    return "\t".join(cells)


def write_summary(
    folder: Path, locus, *, r334x="Likely pathogenic", name="variant_summary_2026-11.txt.gz"
) -> Path:
    p, r, a = site(locus, R334X)
    pn, rn, an = site(locus, NEW)
    rows = [
        SUMMARY_HEADER,
        summary_row(15041, "Indel", "NM_014855.3(AP5Z1):c.80_83delinsTGCTG", 9907, "AP5Z1", "Pathogenic", "GRCh38", 2, 4781213, "GGAT", "TGCTG", "criteria provided, single submitter"),
        summary_row(29059, "single nucleotide variant", "NM_003467.3(CXCR4):c.1000C>T (p.Arg334Ter)", 7852, "CXCR4", r334x, "GRCh37", 14020, 136872498, r, a, "criteria provided, multiple submitters, no conflicts"),
        summary_row(29059, "single nucleotide variant", "NM_003467.3(CXCR4):c.1000C>T (p.Arg334Ter)", 7852, "CXCR4", r334x, "GRCh38", 14020, p, r, a, "criteria provided, multiple submitters, no conflicts"),
        summary_row(3000002, "single nucleotide variant", "NM_003467.3(CXCR4):c.1010A>G", 7852, "CXCR4", "Uncertain significance", "GRCh38", 3000001, pn, rn, an, "criteria provided, single submitter"),
        summary_row(4000001, "copy number loss", "GRCh38/hg38 2q22.1(chr2:136000000-136200000)x1", 7852, "CXCR4", "Pathogenic", "GRCh38", 4000002, -1, "na", "na", "no assertion criteria provided"),
    ]  # fmt: skip
    path = folder / name
    with gzip.open(path, "wt") as f:
        f.write("\n".join(rows) + "\n")
    return path
