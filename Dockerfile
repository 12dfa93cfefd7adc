# syntax=docker/dockerfile:1
# The reconciler daemon: `docker build -t reconciler .` then `docker run reconciler` (runs `run`),
# or `docker run reconciler reconcile --repo /config ...` for a one-shot.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so the layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY src/Reconciler/Reconciler.csproj src/Reconciler/
COPY src/Reconciler.Host/Reconciler.Host.csproj src/Reconciler.Host/
RUN dotnet restore src/Reconciler.Host/Reconciler.Host.csproj
COPY src/ src/
RUN dotnet publish src/Reconciler.Host/Reconciler.Host.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
# Read-only root filesystem friendly: no diagnostics IPC sockets, temp files only under /tmp
# (mount an emptyDir there), JSON logs on stdout.
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_EnableDiagnostics=0 \
    DOTNET_NOLOGO=1 \
    TMPDIR=/tmp \
    Logging__Console__FormatterName=json
COPY --from=build /app ./
# The non-root user "app" the .NET 8+ images ship (APP_UID=1654; 64198 was a .NET 8 preview value).
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["dotnet", "reconciler.dll"]
CMD ["run"]
