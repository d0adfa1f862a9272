use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;

/// Add two integers (64-bit signed; raises OverflowError on overflow).
#[pyfunction]
fn add(a: i64, b: i64) -> PyResult<i64> {
    a.checked_add(b)
        .ok_or_else(|| PyOverflowError::new_err("add: result does not fit in 64 bits"))
}

/// The CPU architecture this module was compiled for, e.g. "x86_64" or "aarch64".
#[pyfunction]
fn arch() -> &'static str {
    std::env::consts::ARCH
}

#[pymodule]
fn hello_maturin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add, m)?)?;
    m.add_function(wrap_pyfunction!(arch, m)?)?;
    Ok(())
}
