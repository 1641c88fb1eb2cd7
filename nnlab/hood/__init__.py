"""Under the hood: backpropagation by hand, a network of tf.Variables, initialisation, text classification."""
