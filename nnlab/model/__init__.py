"""What a network is: the spec (layer kinds, checks), presets, the Keras build and code export, input features."""
