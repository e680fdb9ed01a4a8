"""The Aira Pulumi program: typed stack settings and the composition of the components."""
