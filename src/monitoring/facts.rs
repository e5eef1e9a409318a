//! The facts live in [`crate::facts`], which monitoring and evaluation both read.

pub use crate::facts::*;
