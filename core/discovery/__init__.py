"""Discovery: the hub announces itself on zeroconf and finds what manifests ask for."""
