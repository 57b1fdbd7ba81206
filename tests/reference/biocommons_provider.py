"""A biocommons ``hgvs`` data provider over our locus, so hgvs's own mapper can check our names.

Test-only: the product never depends on it.  It serves NM_003467.3 aligned to NC_000002.12 (splign), the
spliced transcript sequence, and the locus sequence of NC_000002.12 (only the locus positions exist).
"""

from __future__ import annotations

from hgvs.dataproviders.interface import Interface

from whimscreen.reference.coords import TranscriptMapper
from whimscreen.reference.locus import Locus
from whimscreen.reference.protein import spliced
from whimscreen.reference.transcripts import mane

ALT_AC, METHOD, PRO_AC = "NC_000002.12", "splign", "NP_CXCR4TEST.1"


class LocusDataProvider(Interface):
    required_version = "1.1"

    def __init__(self, locus: Locus):
        self.locus = locus
        self.tx = mane()
        self.mapper = TranscriptMapper(self.tx)
        self.tx_seq, _ = spliced(locus, self.mapper)
        super().__init__()

    def data_version(self):
        return "whimscreen-test"

    def schema_version(self):
        return "1.1"

    def get_tx_exons(self, tx_ac, alt_ac, alt_aln_method):
        rows, n0 = [], 0
        for ord_, exon in enumerate(self.tx.exons):
            rows.append(
                {
                    "tx_ac": tx_ac,
                    "alt_ac": ALT_AC,
                    "alt_strand": -1,
                    "alt_aln_method": METHOD,
                    "ord": ord_,
                    "tx_start_i": n0,
                    "tx_end_i": n0 + exon.length,
                    "alt_start_i": exon.start - 1,
                    "alt_end_i": exon.end,
                    "cigar": f"{exon.length}=",
                }
            )
            n0 += exon.length
        return sorted(rows, key=lambda r: r["alt_start_i"])  # as UTA serves them: genomic order

    def _cds(self):
        start = self.mapper.five_prime_utr_length
        return start, start + self.mapper.cds_length

    def get_tx_info(self, tx_ac, alt_ac, alt_aln_method):
        s, e = self._cds()
        return {
            "hgnc": "CXCR4",
            "cds_start_i": s,
            "cds_end_i": e,
            "tx_ac": tx_ac,
            "alt_ac": ALT_AC,
            "alt_aln_method": METHOD,
        }

    def get_tx_identity_info(self, tx_ac):
        s, e = self._cds()
        return {
            "tx_ac": tx_ac,
            "alt_ac": tx_ac,
            "alt_aln_method": "transcript",
            "cds_start_i": s,
            "cds_end_i": e,
            "lengths": [x.length for x in self.tx.exons],
            "hgnc": "CXCR4",
            "translation_table": None,
        }

    def get_tx_mapping_options(self, tx_ac):
        return [{"tx_ac": tx_ac, "alt_ac": ALT_AC, "alt_aln_method": METHOD}]

    def get_seq(self, ac, start_i=None, end_i=None):
        if ac == ALT_AC:
            off = self.locus.start - 1
            a = (start_i or off) - off
            b = (end_i if end_i is not None else off + len(self.locus.sequence)) - off
            if a < 0 or b > len(self.locus.sequence):
                raise ValueError(f"{ac}:{start_i}-{end_i} is outside the test locus")
            return self.locus.sequence[a:b]
        return self.tx_seq[start_i:end_i]

    def get_pro_ac_for_tx_ac(self, tx_ac):
        return PRO_AC

    def get_acs_for_protein_seq(self, seq):
        return [PRO_AC]

    def get_assembly_map(self, assembly_name):
        return {ALT_AC: "2"}

    def get_gene_info(self, gene):
        return {"hgnc": "CXCR4"}

    def get_similar_transcripts(self, tx_ac):
        return []

    def get_tx_for_gene(self, gene):
        return []

    def get_tx_for_region(self, alt_ac, alt_aln_method, start_i, end_i):
        return []
