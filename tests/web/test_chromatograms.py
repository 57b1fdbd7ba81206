"""The review screen shows each Sanger variant's chromatogram excerpt, served only to the lab and only
for names the sample's analysis lists."""

from html import escape

from whimscreen.calling.detection import detection_limit
from whimscreen.program import signout
from whimscreen.reference.demo import demo_locus
from whimscreen.reference.variant import GenomicVariant
from whimscreen.reporting import pdf
from whimscreen.sequencing.simulate_amplicons import write_sample

from .flow import consent_and_order, eligible_patient, ok

PNG = b"\x89PNG\r\n\x1a\n"


def _sanger_sample(portal, tmp_path) -> tuple[dict, dict]:
    doc = portal.login("physician")
    order = consent_and_order(doc, eligible_patient(doc))
    tech = portal.login("technologist")
    sample = ok(
        tech.post(f"/api/orders/{order['id']}/accession", json={"specimen_type": "peripheral blood (EDTA)"}),
        201,
    )
    locus = demo_locus()
    het = GenomicVariant(136114928, locus.base(136114928), "A" if locus.base(136114928) != "A" else "G")
    for path in write_sample(locus, tmp_path / "traces", [(het, "het")], seed=3):
        with open(path, "rb") as fh:
            files = {"file": (path.name, fh, "application/octet-stream")}
            ok(tech.post(f"/api/samples/{sample['id']}/uploads", files=files), 201)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert portal.run_jobs() >= 1
    review = ok(tech.get(f"/api/samples/{sample['id']}/review"))
    return sample, review


def test_lab_sees_the_chromatogram_of_each_variant(sqlite_portal, tmp_path):
    sample, review = _sanger_sample(sqlite_portal, tmp_path)
    [variant] = review["analysis"]["variants"]
    png, svg = variant["images"]
    tech = sqlite_portal.login("technologist")
    page = ok(tech.get(f"/lab/samples/{sample['id']}")).text
    assert "Minimum good-quality traces per base" in page  # Sanger QC in traces, not depth
    assert f'src="/lab/samples/{sample["id"]}/images/{png}"' in page
    assert f'href="/lab/samples/{sample["id"]}/images/{svg}"' in page
    r = ok(tech.get(f"/lab/samples/{sample['id']}/images/{png}"))
    assert r.content.startswith(PNG) and r.headers["content-type"] == "image/png"
    r = ok(tech.get(f"/lab/samples/{sample['id']}/images/{svg}"))
    assert r.headers["content-type"].startswith("image/svg+xml") and b"<svg" in r.content[:500]
    director = sqlite_portal.login("director")
    assert ok(director.get(f"/lab/samples/{sample['id']}/images/{png}")).content.startswith(PNG)


def test_only_listed_images_are_served(sqlite_portal, tmp_path):
    sample, review = _sanger_sample(sqlite_portal, tmp_path)
    tech = sqlite_portal.login("technologist")
    accession = review["sample"]["accession"]
    for name in (f"{accession}.json", f"{accession}.vcf.gz", "S.9.png", "..%2F..%2Fwhimscreen.db"):
        r = tech.get(f"/lab/samples/{sample['id']}/images/{name}", follow_redirects=False)
        assert r.status_code == 404, (name, r.status_code)
    for role in ("physician", "coordinator", "admin"):
        png = review["analysis"]["variants"][0]["images"][0]
        r = sqlite_portal.login(role).get(f"/lab/samples/{sample['id']}/images/{png}", follow_redirects=False)
        assert r.status_code == 403, (role, r.status_code)


def test_signed_report_carries_the_chromatogram(sqlite_portal, tmp_path, monkeypatch):
    sample, review = _sanger_sample(sqlite_portal, tmp_path)
    contexts = []
    monkeypatch.setattr(signout, "render_pdf", lambda c: contexts.append(c) or pdf.render_pdf(c))
    order_id = review["order"]["id"]
    director = sqlite_portal.login("director")
    ok(director.post(f"/api/orders/{order_id}/signout", json={"comment": "ok"}), 201)
    report = sqlite_portal.login("physician").get(f"/api/orders/{order_id}/report")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    assert report.content.count(b"/Subtype /Image") >= 1  # the excerpt is embedded in the signed PDF
    [row] = contexts[0]["variants"]
    assert len(row["chromatograms"]) == 1 and not row["chromatogram_missing"]
    # the method's limit of detection reaches the signed report's text
    limit = detection_limit("sanger").vaf_95
    assert f"fewer than {limit * 100:g}% of the DNA molecules can be missed" in pdf.render_html(contexts[0])


def test_a_missing_image_file_is_not_found_and_the_report_says_so(sqlite_portal, tmp_path, monkeypatch):
    sample, review = _sanger_sample(sqlite_portal, tmp_path)
    [variant] = review["analysis"]["variants"]
    png = variant["images"][0]
    [path] = (sqlite_portal.app.state.home / "analyses").rglob(png)
    path.unlink()
    tech = sqlite_portal.login("technologist")
    assert tech.get(f"/lab/samples/{sample['id']}/images/{png}").status_code == 404
    contexts = []
    monkeypatch.setattr(signout, "render_pdf", lambda c: contexts.append(c) or pdf.render_pdf(c))
    director = sqlite_portal.login("director")
    ok(director.post(f"/api/orders/{review['order']['id']}/signout", json={"comment": "ok"}), 201)
    report = sqlite_portal.login("physician").get(f"/api/orders/{review['order']['id']}/report")
    assert report.content.startswith(b"%PDF") and b"/Subtype /Image" not in report.content
    html = pdf.render_html(contexts[0])
    assert f"Chromatogram excerpt of {escape(variant['hgvs_c'])}: not available." in html
