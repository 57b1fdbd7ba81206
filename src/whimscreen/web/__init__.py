"""whimscreen.web layer."""
