"""Locust users of the demo portal, one class per role, doing the role's real work (see portal_load.py).

The users are ``FastHttpUser`` (geventhttpclient): the load generator shares the machine with the server it
measures, and requests' client costs several times the CPU per request, which the server's processes lose.

Every request's method, name, time and status go to the JSON-lines file named by PORTAL_LOAD_LOG, so the
driver computes percentiles over reads and writes itself.  Demo accounts only (bench against a demo study).
"""

from __future__ import annotations

import json
import os
import random
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

from whimscreen.program.consent import CURRENT_VERSION
from whimscreen.program.demo_seed import DEMO_USERS

PASSWORDS = {email: password for _, email, _, password in DEMO_USERS}  # the seeded demo accounts
DEMO_DATA = Path(os.environ.get("PORTAL_LOAD_DATA", "."))
_log = open(os.environ.get("PORTAL_LOAD_LOG", os.devnull), "a")  # noqa: SIM115 (closed at exit)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None, exception=None, **_):
    status = getattr(response, "status_code", 0) if response is not None else 0
    row = {
        "m": request_type,
        "n": name,
        "ms": response_time,
        "s": status,
        "x": bool(exception),
        "t": time.time(),
    }
    _log.write(json.dumps(row) + "\n")


@events.quitting.add_listener
def _close(**_):
    _log.flush()


class Portal(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    email = ""
    csrf = ""

    def on_start(self):
        r = self.client.post("/api/auth/login", json={"email": self.email, "password": PASSWORDS[self.email]})
        self.csrf = r.json()["csrf_token"]

    def send(self, method: str, url: str, name: str, **kwargs):
        """An unsafe request, with the session's CSRF token."""
        return self.client.request(method, url, name=name, headers={"X-CSRF-Token": self.csrf}, **kwargs)

    def upload(self, url: str, name: str, path: Path):
        """A multipart upload of one file (FastHttpSession takes the body as bytes)."""
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + path.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"X-CSRF-Token": self.csrf, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.client.post(url, name=name, data=body, headers=headers)

    def orders(self, *statuses):
        """The orders in these statuses the user sees (the API's status filter; its first page)."""
        r = self.client.get("/api/orders?" + urlencode({"status": statuses}, doseq=True), name="/api/orders")
        return r.json() if r.status_code == 200 else []


class Physician(Portal):
    weight = 4
    email = "physician@demo.whimscreen"

    @task(5)
    def patient_list_and_page(self):
        self.client.get("/patients", name="/patients")
        patients = self.client.get("/api/patients", name="/api/patients").json()
        if patients:
            self.client.get(f"/patients/{random.choice(patients)['id']}", name="/patients/{id}")

    @task(3)
    def order_status(self):
        found = self.orders(
            "waitlisted", "ordered", "kit_sent", "received", "sequencing", "analysis", "review", "reported"
        )
        if found:
            self.client.get(f"/orders/{random.choice(found)['id']}", name="/orders/{id}")
        self.client.get("/notifications", name="/notifications")

    @task(1)
    def new_patient_and_order(self):
        today = date.today()
        born = today - timedelta(days=random.randint(2000, 20000))
        p = self.send(
            "POST",
            "/api/patients",
            json={
                "name": f"Load Patient {random.randint(0, 10**9)}",
                "birth_date": born.isoformat(),
                "sex": "female",
            },
            name="/api/patients [create]",
        ).json()
        for days, anc in ((200, 400), (20, 350)):
            self.send(
                "POST",
                f"/api/patients/{p['id']}/counts",
                json={"taken_on": (today - timedelta(days=days)).isoformat(), "anc": anc, "alc": 700},
                name="/api/patients/{id}/counts",
            )
        self.send(
            "PUT",
            f"/api/patients/{p['id']}/clinical",
            json={"recurrent_infections": True, "warts": True},
            name="/api/patients/{id}/clinical",
        )
        self.send(
            "POST",
            f"/api/patients/{p['id']}/consent",
            json={
                "given_by": "Load Guardian",
                "relationship": "parent",
                "consented_on": today.isoformat(),
                "version": CURRENT_VERSION,
            },
            name="/api/patients/{id}/consent",
        )
        url = f"/api/patients/{p['id']}/orders"
        with self.send("POST", url, "/api/patients/{id}/orders", json={}, catch_response=True) as r:
            if r.status_code in (201, 409):  # 409: consent version or an open order: a clear refusal
                r.success()


class Technologist(Portal):
    weight = 2
    email = "tech@demo.whimscreen"

    @task(10)
    def worklist(self):
        self.client.get("/lab", name="/lab")

    @task(5)
    def sample_page(self):
        found = self.orders("received", "sequencing", "analysis", "review", "reported")
        if found:
            o = self.client.get(f"/api/orders/{random.choice(found)['id']}", name="/api/orders/{id}").json()
            if o.get("sample"):
                self.client.get(f"/lab/samples/{o['sample']['id']}", name="/lab/samples/{id}")

    @task(1)
    def accession_upload_and_run(self):
        if self.orders("analysis"):  # the lab's pace: the next sample once the running analysis ended
            return
        found = self.orders("ordered", "kit_sent")
        if not found:
            return
        order = random.choice(found)
        with self.send(
            "POST",
            f"/api/orders/{order['id']}/accession",
            json={"specimen_type": "peripheral blood (EDTA)"},
            name="/api/orders/{id}/accession",
            catch_response=True,
        ) as r:
            if r.status_code == 409:  # another technologist took it
                r.success()
                return
        sample = r.json()
        vcf = random.choice(sorted(DEMO_DATA.glob("*.vcf")))
        self.upload(f"/api/samples/{sample['id']}/uploads", "/api/samples/{id}/uploads", vcf)
        self.send("POST", f"/api/samples/{sample['id']}/jobs", "/api/samples/{id}/jobs")


class Director(Portal):
    weight = 1
    email = "director2@demo.whimscreen"

    @task(4)
    def worklist(self):
        self.client.get("/lab", name="/lab")

    @task(1)
    def sign_out(self):
        found = self.orders("review")
        if not found:
            return
        order = random.choice(found)
        with self.send(
            "POST",
            f"/api/orders/{order['id']}/signout",
            json={"comment": "load test"},
            name="/api/orders/{id}/signout",
            catch_response=True,
        ) as r:
            if r.status_code in (403, 409):  # ran it himself, or another director signed first
                r.success()


class Coordinator(Portal):
    weight = 1
    email = "coordinator@demo.whimscreen"

    @task
    def study(self):
        self.client.get("/coordinator", name="/coordinator")
        self.client.get("/api/coordinator/summary", name="/api/coordinator/summary")
