from whimscreen.cli import main

if __name__ == "__main__":  # Dask spawns workers that import this module: they must not run the CLI
    main()
