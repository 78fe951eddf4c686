"""``python -m copydesk`` runs the command line."""

from copydesk.cli import console_main

if __name__ == "__main__":
    console_main()
