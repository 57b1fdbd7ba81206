"""whimscreen.calling layer."""
