# The layers of wsuswatch, bottom to top: the one home of the layer order.
# The build (CMakeLists.txt: one static library per layer, exposing only its
# own include directories and linking only the layers below it) and the
# layer check (tests/layers/check_layers.cmake, ctest `layers_check`) both
# read this file.  docs/architecture.md draws it.
#
# WW_LAYERS                 the layers, bottom to top
# WW_LAYER_<name>_DIRS      its folders, relative to the source tree (its
#                           public include directories)
# WW_LAYER_<name>_BELOW     the layers it links directly; it may include
#                           the headers of these and, transitively, of
#                           theirs, never of any other layer
#
# Keep this file free of commands other than set(): `cmake -P` scripts
# include it as well as the build.

set(WW_LAYERS ww_base ww_config ww_sources ww_engine ww_output ww_control
  ww_monitor ww_diagnose ww_app)

# compat, errors, utilities, OS layer, store
set(WW_LAYER_ww_base_DIRS common)
set(WW_LAYER_ww_base_BELOW)
# configuration table, loader, discovery
set(WW_LAYER_ww_config_DIRS config)
set(WW_LAYER_ww_config_BELOW ww_base)
# what wsuswatch observes: endpoint probes, sync log, events, host
set(WW_LAYER_ww_sources_DIRS probes/endpoint probes/synclog probes/events probes/host)
set(WW_LAYER_ww_sources_BELOW ww_config)
# health rules, alert state machine
set(WW_LAYER_ww_engine_DIRS service/engine)
set(WW_LAYER_ww_engine_BELOW ww_sources)
# health cycle, metrics, check line, sinks, history
set(WW_LAYER_ww_output_DIRS service/output)
set(WW_LAYER_ww_output_BELOW ww_engine)
# status pipe / socket
set(WW_LAYER_ww_control_DIRS service/control)
set(WW_LAYER_ww_control_BELOW ww_output)
# the monitor loop and its tasks
set(WW_LAYER_ww_monitor_DIRS service/monitor)
set(WW_LAYER_ww_monitor_BELOW ww_control)
# diagnose
set(WW_LAYER_ww_diagnose_DIRS service/diagnose)
set(WW_LAYER_ww_diagnose_BELOW ww_engine)
# CLI, service host, install
set(WW_LAYER_ww_app_DIRS service/app)
set(WW_LAYER_ww_app_BELOW ww_monitor ww_diagnose)
