"""What a network is: the spec and its checks, the tables it reads (layer kinds, optimizers, losses,
regularizations, input features), presets, and the Keras build and code export."""
