"""The community: its units, households and members; later its votes and ratings."""
