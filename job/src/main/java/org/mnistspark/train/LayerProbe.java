package org.mnistspark.train;

/**
 * One ReLU layer's state on the probe batch (see {@link NetworkProber} for how each number is
 * measured).
 *
 * @param layer "conv1", "conv2" or "dense": the ReLU layers in network order
 * @param preActivationMeanAbs mean of |z| over every probe image and unit, where z = W*x + b is
 *     the layer's input to its ReLU; for a convolution a unit is one (channel, y, x) output element
 * @param preActivationMaxAbs the largest |z| over the same values
 * @param deadFraction the share of units whose ReLU output is exactly 0 for every probe image, in
 *     [0, 1]; a convolution counts every (channel, y, x) element, the dense layer each neuron
 * @param gradientNorm the L2 norm of the gradient of the mean cross-entropy on the probe batch
 *     with respect to the layer's weights and bias taken together
 */
public record LayerProbe(String layer, double preActivationMeanAbs, double preActivationMaxAbs,
    double deadFraction, double gradientNorm) {}
