"""whimscreen.reference layer."""
