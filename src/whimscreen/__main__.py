from whimscreen.cli import main

if __name__ == "__main__":  # worker processes (Dask spawns them) import this module: they must not run the CLI
    main()
