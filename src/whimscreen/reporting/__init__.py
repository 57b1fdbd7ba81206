"""whimscreen.reporting layer."""
