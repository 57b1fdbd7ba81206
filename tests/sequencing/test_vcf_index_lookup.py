"""An indexed VCF whose index shows no record over the locus is answered without opening it a second time
(with cyvcf2, the records reader): the same content as reading the region, and a file with records there,
an unindexed file or a damaged index are still read (and reported) by the records reader."""

from __future__ import annotations

import shutil

import pytest

from whimscreen.errors import InputFileError
from whimscreen.screening import simulate_cohort as sc
from whimscreen.sequencing import vcf as vcf_module
from whimscreen.sequencing.vcf import read_vcf_or_samples


@pytest.fixture(scope="module")
def files(tmp_path_factory, locus):
    root = tmp_path_factory.mktemp("index-lookup")
    paths, carriers = sc.single_sample_vcfs(locus, root, 12, 2, seed=5)
    return root, paths, carriers


def _opened(monkeypatch) -> list[str]:
    opened: list[str] = []
    real = vcf_module.VCF

    def counting(path, *args, **kwargs):
        opened.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(vcf_module, "VCF", counting)
    return opened


def _as_read(content) -> tuple:
    return content.build, content.sample, content.records, content.alleles, content.gvcf_depth


def test_nothing_at_the_locus_is_answered_from_the_index_alike(files, locus, monkeypatch):
    _, paths, _ = files
    looked_up = {str(p): _as_read(read_vcf_or_samples(p, locus)) for p in paths}
    monkeypatch.setattr(vcf_module, "_nothing_at", lambda *a: False)  # always read the region
    assert looked_up == {str(p): _as_read(read_vcf_or_samples(p, locus)) for p in paths}
    monkeypatch.undo()
    opened = _opened(monkeypatch)
    for p in paths:
        read_vcf_or_samples(p, locus)
    empty = [str(p) for p in paths if looked_up[str(p)][2] == 0]
    assert empty and len(empty) < len(paths)  # both kinds in the sample
    assert sorted(opened) == sorted(str(p) for p in paths if str(p) not in empty)


def test_carriers_unindexed_files_and_a_damaged_index_go_to_the_records_reader(files, locus, monkeypatch):
    root, paths, carriers = files
    carrier = next(p for p in paths if p.name.split(".")[0] in carriers)
    assert read_vcf_or_samples(carrier, locus).alleles  # the seeded variant
    plain = root / "copy" / paths[0].name
    plain.parent.mkdir()
    shutil.copy(paths[0], plain)  # no index beside it: streamed by the records reader
    damaged = root / "damaged" / paths[0].name
    damaged.parent.mkdir()
    shutil.copy(paths[0], damaged)
    (damaged.parent / f"{paths[0].name}.tbi").write_bytes(b"")
    opened = _opened(monkeypatch)
    streamed, indexed = read_vcf_or_samples(plain, locus), read_vcf_or_samples(paths[0], locus)
    assert (streamed.sample, streamed.alleles) == (indexed.sample, indexed.alleles)
    with pytest.raises(InputFileError, match=r"the index \(.tbi/.csi\) cannot be read"):
        read_vcf_or_samples(damaged, locus)
    assert str(plain) in opened and str(damaged) in opened
