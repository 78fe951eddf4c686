"""``python -m copydesk`` runs the command line."""

from copydesk.cli import main

if __name__ == "__main__":
    main()
