//! Spreadsheet files in and out: a CSV (UTF-8, or GB18030 as Chinese office software saves
//! it) or an XLSX workbook read into rows of text, and rows of text written as either.
//! Every cell is text: an 18-digit ID number written as a number would lose its last digits.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use hotline_domain::{FileFormat, Problem};

/// A file read: its header row and the data rows after it, each with its spreadsheet row
/// number (the header is row 1). Rows with nothing in them are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<(u32, Vec<String>)>,
}

/// Reads a CSV or XLSX file (told apart by its first bytes, not its name). At most
/// `max_rows` data rows: more is [`Problem::TooMany`].
pub fn read_sheet(bytes: &[u8], max_rows: usize) -> Result<(FileFormat, Sheet), Problem> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, max_rows).map(|s| (FileFormat::Xlsx, s))
    } else {
        read_csv(bytes, max_rows).map(|s| (FileFormat::Csv, s))
    }
}

fn read_csv(bytes: &[u8], max_rows: usize) -> Result<Sheet, Problem> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text: std::borrow::Cow<str> = match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err(Problem::Unreadable);
            }
            text
        }
    };
    if text.contains('\0') {
        return Err(Problem::Unreadable);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut sheet = Sheet::default();
    // The line each record starts on, counted from its byte offset: the reader passes over
    // blank lines, which a spreadsheet shows as rows.
    let (mut counted_to, mut line) = (0usize, 0usize);
    for record in reader.records() {
        let record = record.map_err(|_| Problem::Unreadable)?;
        // (Its position is where the reader began, before the blank lines it passed.)
        let mut start = record
            .position()
            .map_or(counted_to, |p| {
                usize::try_from(p.byte()).unwrap_or(usize::MAX)
            })
            .clamp(counted_to, text.len());
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        line += text.as_bytes()[counted_to..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = start;
        let at = line;
        let cells: Vec<String> = record.iter().map(unquote).collect();
        push_row(&mut sheet, at, cells, max_rows)?;
    }
    finish(sheet)
}

/// A cell [`csv_safe`] quoted, as it was.
fn unquote(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

fn read_xlsx(bytes: &[u8], max_rows: usize) -> Result<Sheet, Problem> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| Problem::Unreadable)?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(Problem::Unreadable)?
        .map_err(|_| Problem::Unreadable)?;
    // The range starts at the first used cell; rows above it are blank.
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let first_column = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut sheet = Sheet::default();
    for (at, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); first_column];
        cells.extend(row.iter().map(cell_text));
        push_row(&mut sheet, first_row + at, cells, max_rows)?;
    }
    finish(sheet)
}

/// A cell as the text a person sees in it: whole numbers without `.0`, dates as days.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => d.as_f64().to_string(),
        },
        Data::Error(_) => "#ERROR".into(),
    }
}

/// Row `at` (0-based) of the file: the first non-blank one is the header.
fn push_row(
    sheet: &mut Sheet,
    at: usize,
    cells: Vec<String>,
    max_rows: usize,
) -> Result<(), Problem> {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(());
    }
    if sheet.header.is_empty() {
        sheet.header = cells;
    } else if sheet.rows.len() >= max_rows {
        return Err(Problem::TooMany {
            max: max_rows as u64,
        });
    } else {
        sheet
            .rows
            .push((u32::try_from(at + 1).unwrap_or(u32::MAX), cells));
    }
    Ok(())
}

fn finish(sheet: Sheet) -> Result<Sheet, Problem> {
    if sheet.header.is_empty() {
        Err(Problem::Required)
    } else {
        Ok(sheet)
    }
}

/// Cells starting with `= + - @` (or a tab or carriage return) are prefixed with `'` so a
/// spreadsheet never runs them as formulas (CSV injection).
pub fn csv_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    }
}

/// Rows written as a CSV file with a UTF-8 byte order mark (so spreadsheet programs read
/// Chinese right), every cell made formula-safe.
pub fn write_csv(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut out = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    out.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        out.write_record(row.iter().map(|c| csv_safe(c)))
            .map_err(|e| e.to_string())?;
    }
    out.into_inner().map_err(|e| e.to_string())
}

/// Rows written as an XLSX workbook of one sheet: a bold frozen header, every cell text.
pub fn write_xlsx(
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let err = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(err)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, heading) in header.iter().enumerate() {
        let c = u16::try_from(c).map_err(|e| e.to_string())?;
        sheet
            .write_string_with_format(0, c, *heading, &bold)
            .map_err(err)?;
        sheet.set_column_format(c, &text).map_err(err)?;
        sheet.set_column_width(c, 14).map_err(err)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|e| e.to_string())?;
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                let c = u16::try_from(c).map_err(|e| e.to_string())?;
                sheet.write_string(r, c, cell).map_err(err)?;
            }
        }
    }
    book.save_to_buffer().map_err(err)
}

/// The MIME type and file name ending of a format.
pub fn content_type(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Csv => "text/csv; charset=utf-8",
        FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec!["张秀英".into(), "610402195003010021".into(), "=1+1".into()],
            vec!["李华".into(), String::new(), "x".into()],
        ]
    }

    #[test]
    fn csv_and_xlsx_round_trip_as_text() {
        let header = ["姓名", "身份证号", "备注"];
        for (format, bytes) in [
            (FileFormat::Csv, write_csv(&header, &rows()).unwrap()),
            (
                FileFormat::Xlsx,
                write_xlsx("老年人", &header, &rows()).unwrap(),
            ),
        ] {
            let (read_as, sheet) = read_sheet(&bytes, 10).unwrap();
            assert_eq!(read_as, format);
            assert_eq!(sheet.header, header);
            assert_eq!(sheet.rows.len(), 2);
            assert_eq!(sheet.rows[0].0, 2);
            assert_eq!(sheet.rows[0].1[1], "610402195003010021");
            assert_eq!(sheet.rows[0].1[2], "=1+1");
        }
    }

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(csv_safe("=1+1"), "'=1+1");
        assert_eq!(csv_safe("user:admin"), "user:admin");
    }

    #[test]
    fn gbk_csv_is_read_and_blank_rows_skipped_but_counted() {
        let (bytes, _, _) = encoding_rs::GBK.encode("姓名,地址\n\n张三,秦都区\n");
        let (_, sheet) = read_sheet(&bytes, 10).unwrap();
        assert_eq!(sheet.header, ["姓名", "地址"]);
        assert_eq!(sheet.rows, vec![(3, vec!["张三".into(), "秦都区".into()])]);
    }

    #[test]
    fn too_many_rows_empty_and_binary_files_are_refused() {
        assert_eq!(
            read_sheet(b"a\n1\n2\n3\n", 2),
            Err(Problem::TooMany { max: 2 })
        );
        assert_eq!(read_sheet(b"\n\n", 2), Err(Problem::Required));
        assert_eq!(
            read_sheet(b"PK\x03\x04garbage", 2),
            Err(Problem::Unreadable)
        );
        assert_eq!(read_sheet(b"a\0b\n", 2), Err(Problem::Unreadable));
    }
}
