from whimscreen.cli import main

main()
