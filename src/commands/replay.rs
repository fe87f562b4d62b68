//! `cagematch replay FILE|RUN_DIR`: a saved replay in the match viewer, or a run folder
//! in the whole UI.

use super::shared::shown;
use crate::cli::ReplayArgs;
use crate::error::Error;
use std::process::ExitCode;

/// Opens a saved replay in the match viewer, or a run folder in the whole UI.
pub fn run(args: &ReplayArgs) -> Result<ExitCode, Error> {
    if let Some(out) = &args.html {
        return page(args, out);
    }
    let theme = crate::tui::theme::Theme::load(args.theme.as_deref().unwrap_or("dark"))?;
    let app = if args.file.is_dir() {
        crate::tui::live::app_for_folder(&args.file, theme)?
    } else {
        let record = crate::replay::read(&args.file)?;
        let mut app = crate::tui::app::App::for_replay(record, theme);
        // The file's name: a path cut short by the header would say nothing.
        app.run.title = args
            .file
            .file_name()
            .map_or_else(|| shown(&args.file), |n| shown(std::path::Path::new(n)));
        app
    };
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Error::Usage(
            "replay needs a terminal (stdout is not one)".into(),
        ));
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let then = crate::tui::run(app, tx, rx, None, None, &mut |app| {
        let path = std::path::PathBuf::from("standings.yaml");
        crate::tournament::Export::new(
            &app.run.title,
            app.run.game,
            &app.run.bots(),
            &app.run.standings,
        )
        .write(&path)?;
        Ok(path.display().to_string())
    })?;
    match then {
        Some(next) => super::shared::run_next(&next),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `replay FILE --html OUT`: the replay as a page to share.
fn page(args: &ReplayArgs, out: &std::path::Path) -> Result<ExitCode, Error> {
    if args.file.is_dir() {
        return Err(Error::Usage(format!(
            "{}: --html takes a replay file, not a run folder (report RUN_DIR writes the run's page)",
            shown(&args.file)
        )));
    }
    let record = crate::replay::read(&args.file)?;
    let title = args
        .file
        .file_name()
        .map_or_else(|| shown(&args.file), |n| shown(std::path::Path::new(n)));
    let text = super::report::replay_page::render(&record, &title);
    crate::files::write_replacing(out, &text, "replay page")?;
    say!("wrote {}", shown(out));
    Ok(ExitCode::SUCCESS)
}
