import pytest

from whimscreen.reference.demo import demo_locus


@pytest.fixture(scope="session")
def locus():
    return demo_locus()
