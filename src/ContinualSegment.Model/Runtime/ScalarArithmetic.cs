using TorchSharp;
using static TorchSharp.torch;

namespace ContinualSegment.Model.Runtime;

/// <summary>
/// Tensor arithmetic with numbers, every TorchSharp <see cref="Scalar"/> made explicitly and held until its native call
/// returns. TorchSharp 0.107 converts a number (and the implicit alpha of <c>a + b</c>) to a native scalar that nothing
/// references once its handle is passed on, so the garbage collector may finalize it while libtorch still reads it: a
/// rare wrong result, or "Unknown scalar type". The CSEG0001 analyzer refuses the implicit forms; these are the
/// replacements.
/// </summary>
public static class ScalarArithmetic
{
    /// <summary><paramref name="left"/> + <paramref name="right"/>.</summary>
    public static Tensor Plus(this Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var one = 1.ToScalar();
        return left.add(right, one);
    }

    /// <summary><paramref name="left"/> + <paramref name="right"/>.</summary>
    public static Tensor Plus(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        using var one = 1.ToScalar();
        return left.add(value, one);
    }

    /// <summary><paramref name="left"/> += <paramref name="right"/>, in place; returns <paramref name="left"/>.</summary>
    public static Tensor PlusInPlace(this Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var one = 1.ToScalar();
        return left.add_(right, one);
    }

    /// <summary><paramref name="left"/> += <paramref name="right"/>, in place; returns <paramref name="left"/>.</summary>
    public static Tensor PlusInPlace(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        using var one = 1.ToScalar();
        return left.add_(value, one);
    }

    /// <summary><paramref name="left"/> − <paramref name="right"/>.</summary>
    public static Tensor Minus(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.sub(value);
    }

    /// <summary><paramref name="left"/> − <paramref name="right"/>.</summary>
    public static Tensor Minus(double left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(right);
        using var value = left.ToScalar();
        using var one = 1.ToScalar();
        using var negative = right.neg();
        return negative.add(value, one);
    }

    /// <summary><paramref name="left"/> × <paramref name="right"/>.</summary>
    public static Tensor Times(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.mul(value);
    }

    /// <summary><paramref name="left"/> ×= <paramref name="right"/>, in place; returns <paramref name="left"/>.</summary>
    public static Tensor TimesInPlace(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.mul_(value);
    }

    /// <summary><paramref name="left"/> ÷ <paramref name="right"/>.</summary>
    public static Tensor DividedBy(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.div(value);
    }

    /// <summary><paramref name="left"/> to the power <paramref name="exponent"/>.</summary>
    public static Tensor Power(this Tensor left, double exponent)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = exponent.ToScalar();
        return left.pow(value);
    }

    /// <summary>Whether each element is greater than <paramref name="right"/>.</summary>
    public static Tensor GreaterThan(this Tensor left, double right)
    {
        ArgumentNullException.ThrowIfNull(left);
        using var value = right.ToScalar();
        return left.gt(value);
    }

    /// <summary>Each element limited to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Tensor Clamped(this Tensor tensor, double min, double max)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        return tensor.clamp(low, high);
    }

    /// <summary>Each element at least <paramref name="min"/>.</summary>
    public static Tensor AtLeast(this Tensor tensor, double min)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var low = min.ToScalar();
        return tensor.clamp_min(low);
    }

    /// <summary>Fills <paramref name="tensor"/> with <paramref name="value"/> in place; returns it.</summary>
    public static Tensor FillInPlace(this Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scalar = value.ToScalar();
        return tensor.fill_(scalar);
    }
}
