import random

import pytest

from gradwidget import Value, nn


def test_mlp_shapes_and_parameters_like_micrograd():
    random.seed(0)
    model = nn.MLP(2, [16, 16, 1])
    assert len(model.parameters()) == (2 * 16 + 16) + (16 * 16 + 16) + (16 + 1)
    out = model([1.0, -2.0])
    assert isinstance(out, Value)
    layer = nn.Layer(3, 2)
    assert len(layer([Value(1.0), 2.0, 3.0])) == 2


def test_neuron_computes_relu_of_affine():
    n = nn.Neuron(2)
    n.w[0].data, n.w[1].data, n.b.data = 0.5, -1.0, 0.25
    assert n([2.0, 3.0]).data == 0.0                         # relu(1 - 3 + 0.25)
    n.nonlin = False
    assert n([2.0, 3.0]).data == pytest.approx(-1.75)


def test_zero_grad_and_a_training_step_reduce_the_loss():
    random.seed(1)
    model = nn.MLP(2, [4, 1])
    X = [[0.5, 1.0], [-1.0, 0.3], [0.2, -0.7], [1.5, 0.1]]
    Y = [1.0, -1.0, -1.0, 1.0]

    def loss():
        return sum((model(x) - y) ** 2 for x, y in zip(X, Y, strict=True))

    first = loss().data
    for _ in range(30):
        L = loss()
        model.zero_grad()
        L.backward()
        assert any(p.grad != 0.0 for p in model.parameters())
        for p in model.parameters():
            p.data -= 0.05 * p.grad
    assert loss().data < 0.5 * first
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_wrong_input_size_is_named():
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        nn.MLP(2, [3, 1])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="positive number of inputs"):
        nn.Neuron(0)


def test_parameters_and_neurons_are_named_by_where_they_live():
    """`L1.N3.w[0]`: layer, neuron (1-based), weight index (0-based, as the list), in the
    graph's labels, so the widget, the narration and the inspector can name them."""
    random.seed(0)
    model = nn.MLP(2, [3, 1])
    labels = [p.label for p in model.parameters()]
    assert labels[:3] == ["L1.N1.w[0]", "L1.N1.w[1]", "L1.N1.b"]
    assert labels[6:9] == ["L1.N3.w[0]", "L1.N3.w[1]", "L1.N3.b"]
    assert labels[-4:] == ["L2.N1.w[0]", "L2.N1.w[1]", "L2.N1.w[2]", "L2.N1.b"]
    assert len(set(labels)) == len(labels)                      # every parameter its own name
    out = model([Value(1.0, "x1"), Value(-2.0, "x2")])
    assert out.label == "L2.N1"                                 # each neuron's output
    hidden = [c for c in out.topo() if c.label.startswith("L1.N") and "." not in c.label[3:]]
    assert sorted(v.label for v in hidden) == ["L1.N1", "L1.N2", "L1.N3"]
    # a neuron or a layer on its own: the same names without the outer parts
    assert [p.label for p in nn.Neuron(2).parameters()] == ["w[0]", "w[1]", "b"]
    assert nn.Neuron(2)([1.0, 2.0]).label == ""                 # no name: its output unlabelled
    assert nn.Layer(2, 2).parameters()[3].label == "N2.w[0]"
