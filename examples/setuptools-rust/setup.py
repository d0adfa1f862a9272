from setuptools import setup
from setuptools_rust import Binding, RustExtension

setup(
    packages=[],
    rust_extensions=[
        RustExtension("hello_setuptools_rust", path="Cargo.toml", binding=Binding.PyO3),
    ],
    zip_safe=False,
)
