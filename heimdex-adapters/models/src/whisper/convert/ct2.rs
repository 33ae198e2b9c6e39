//! Reading a CTranslate2 `model.bin` (binary version 6 and older with typed variables).

use std::collections::HashMap;

use super::ImportError;

/// The element type of a CTranslate2 variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
}

impl DType {
    fn from_id(id: u8) -> Option<Self> {
        Some(match id {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub(crate) fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }
}

/// One named array of the model.
#[derive(Clone, Debug)]
pub(crate) struct Variable {
    /// Dimensions, outermost first (as in PyTorch).
    pub dims: Vec<usize>,
    pub dtype: DType,
    /// Little-endian raw elements.
    pub data: Vec<u8>,
}

impl Variable {
    /// The elements as f32 (from f32 or f16 storage).
    pub(crate) fn to_f32(&self) -> Result<Vec<f32>, String> {
        match self.dtype {
            DType::F32 => Ok(self
                .data
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()),
            DType::F16 => Ok(self
                .data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect()),
            other => Err(format!("{other:?} is not a float type")),
        }
    }

    /// The elements as little-endian f16 bytes (from f16 or f32 storage).
    pub(crate) fn to_f16_bytes(&self) -> Result<Vec<u8>, String> {
        match self.dtype {
            DType::F16 => Ok(self.data.clone()),
            DType::F32 => Ok(self
                .to_f32()?
                .into_iter()
                .flat_map(|x| half::f16::from_f32(x).to_le_bytes())
                .collect()),
            other => Err(format!("{other:?} is not a float type")),
        }
    }

    /// A scalar integer (how CTranslate2 stores attributes such as `num_heads`).
    pub(crate) fn scalar_int(&self) -> Option<i64> {
        let b = &self.data;
        Some(match (self.dtype, b.len()) {
            (DType::I8, 1) => i64::from(b[0] as i8),
            (DType::I16, 2) => i64::from(i16::from_le_bytes([b[0], b[1]])),
            (DType::I32, 4) => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            _ => return None,
        })
    }
}

/// A parsed CTranslate2 model: its spec name and variables by name.
#[derive(Debug)]
pub(crate) struct Ct2Model {
    pub spec: String,
    pub variables: HashMap<String, Variable>,
}

impl Ct2Model {
    /// The variable `name`, or an error naming it.
    pub(crate) fn get(&self, name: &str) -> Result<&Variable, ImportError> {
        self.variables
            .get(name)
            .ok_or_else(|| ImportError::Format(format!("model.bin has no variable `{name}`")))
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ImportError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| {
            ImportError::Format(format!(
                "model.bin ends early: wanted {n} bytes at offset {}",
                self.at
            ))
        })?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, ImportError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, ImportError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, ImportError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A u16-length-prefixed string, without its trailing NUL.
    fn string(&mut self) -> Result<String, ImportError> {
        let n = usize::from(self.u16()?);
        let raw = self.take(n)?;
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        String::from_utf8(raw.to_vec())
            .map_err(|_| ImportError::Format("model.bin has a name that is not UTF-8".into()))
    }
}

/// Parses a CTranslate2 `model.bin`.
pub(crate) fn parse(bytes: &[u8]) -> Result<Ct2Model, ImportError> {
    let mut r = Reader { bytes, at: 0 };
    let version = r.u32()?;
    if !(5..=6).contains(&version) {
        return Err(ImportError::Format(format!(
            "model.bin has binary version {version}; this converter reads versions 5 and 6"
        )));
    }
    let spec = r.string()?;
    let _revision = r.u32()?;
    let count = r.u32()?;
    let mut variables = HashMap::new();
    for _ in 0..count {
        let name = r.string()?;
        let rank = usize::from(r.u8()?);
        let dims = (0..rank)
            .map(|_| r.u32().map(|d| d as usize))
            .collect::<Result<Vec<_>, _>>()?;
        let id = r.u8()?;
        let dtype = DType::from_id(id).ok_or_else(|| {
            ImportError::Format(format!("variable `{name}` has unknown data type {id}"))
        })?;
        let len = r.u32()? as usize;
        let expected = dims.iter().product::<usize>() * dtype.size();
        if len != expected {
            return Err(ImportError::Format(format!(
                "variable `{name}` holds {len} bytes, its shape {dims:?} needs {expected}"
            )));
        }
        let data = r.take(len)?.to_vec();
        variables.insert(name, Variable { dims, dtype, data });
    }
    // Aliases follow (Whisper's only one: the output projection shares the token embeddings,
    // which whisper.cpp ties by itself), so they are not read.
    Ok(Ct2Model { spec, variables })
}
