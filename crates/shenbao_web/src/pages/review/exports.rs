//! The unit's documents: summary tables (汇总表) and the package of everything it forwards.

use super::*;

/// `GET /review/{call}/summary/{table}?format=xlsx|docx`: the unit's summary table (汇总表) of
/// its level, its recommended applications in ranking order, grouped as the call prescribes;
/// XLSX unless asked otherwise.
pub async fn summary(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Bureaus>,
    Path((call_id, table_id)): Path<(String, String)>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let desk = desk(&state, &user, &call_id)?;
    let format = query.or(Format::Xlsx)?;
    let call = desk.entry.call;
    let (table, def) = call
        .def()
        .summaries
        .iter()
        .enumerate()
        .find(|(_, t)| t.id == table_id && t.level.as_deref() == Some(desk.level.id.as_str()))
        .ok_or(AppError::NotFound)?;
    let bytes = match format {
        Format::Xlsx => {
            shenbao_app::exports::unit_summary_xlsx(
                &state.store,
                call,
                desk.level,
                &desk.unit,
                table,
            )
            .await
        }
        Format::Docx => {
            shenbao_app::exports::unit_summary_docx(
                &state.store,
                call,
                desk.level,
                &desk.unit,
                table,
            )
            .await
        }
        Format::Pdf => return Err(AppError::NotFound),
    }
    .map_err(AppError::Internal)?;
    Ok(crate::documents::download(
        format,
        &format!("{}-{}", def.title, desk_label(&desk)),
        &format!("summary-{call_id}-{table_id}"),
        bytes,
    ))
}

/// The unit's package (报送材料包) as one ZIP, streamed while it is written: the level's
/// summary tables, then each recommended application in ranking order with its forms and its
/// submitted files renamed by the call's rules (`exports::write_unit_package`).
///
/// The ZIP is written on a blocking thread into an OS pipe whose other end is the response
/// body, so memory stays at the pipe's and the copy buffer's size whatever the files weigh. A
/// failure after the first bytes can only cut the download short; it is logged.
pub async fn package(
    State(state): State<ServerState>,
    SignedIn { user, .. }: SignedIn<Bureaus>,
    Path(call_id): Path<String>,
) -> Result<Response, AppError> {
    let desk = desk(&state, &user, &call_id)?;
    let call = desk.entry.call;
    // The call is static; the desk's borrow of the state is not.
    let level = (call.def().review_levels.iter())
        .find(|l| l.id == desk.level.id)
        .ok_or(AppError::NotFound)?;
    let unit = desk.unit.clone();
    let name = format!("{}-{}", desk_label(&desk), s::REVIEW_PACKAGE_NAME);
    // What the notice has the unit send with its list: the letter, the stamped scans; and
    // forms stamped with their 受理编号 like the applicant's download.
    let extras = shenbao_app::exports::PackageExtras {
        documents: super::sending::letter_documents(&state, &desk, &user).await?,
        files: shenbao_app::exports::package_scans(
            &state.store,
            state.files.root(),
            call.id(),
            &level.id,
            &unit,
        )
        .await?,
        public_url: Some(state.config.public_url.clone().unwrap_or_default()),
    };
    let (reader, writer) = std::io::pipe().map_err(|e| AppError::Internal(e.into()))?;
    let body = tokio::net::unix::pipe::Receiver::from_owned_fd(reader.into())
        .map_err(|e| AppError::Internal(e.into()))?;
    let (store, dir) = (state.store.clone(), state.files.root().to_path_buf());
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let written = runtime.block_on(shenbao_app::exports::write_unit_package(
            &store,
            &dir,
            shenbao_app::exports::UnitPackage {
                call,
                level,
                unit: &unit,
            },
            std::io::BufWriter::with_capacity(64 * 1024, writer),
            shenbao_app::exports::FORM_FORMATS,
            &extras,
        ));
        if let Err(e) = written {
            tracing::warn!(call = call.id(), unit, "package cut short: {e:#}");
        }
    });
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/zip".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                crate::documents::attachment_disposition(
                    &format!("{name}.zip"),
                    &format!("package-{call_id}.zip"),
                ),
            ),
        ],
        axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(body)),
    )
        .into_response())
}
